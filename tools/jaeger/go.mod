// A scratch module that builds Jaeger (all-in-one, v2 binary `cmd/jaeger`) from the Go module
// proxy: `go install …@version` refuses Jaeger because its go.mod has a replace directive, so
// the same replace is restated here. Jaeger tags v1.x and v2.x together; v1.76.0 is v2.13.0.
module pos-fleet/jaeger-build

go 1.24.6

require github.com/jaegertracing/jaeger v1.76.0

replace github.com/Shopify/sarama => github.com/Shopify/sarama v1.33.0
