import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources'

/**
 * The process's one OpenTelemetry resource, shared by its traces and its metrics so both
 * name the same service instance. OTEL_RESOURCE_ATTRIBUTES (envDetector) can add to it.
 */
export function serviceResource(): Resource {
  const service = process.env.OTEL_SERVICE_NAME ?? 'pos-fleet'
  const region = process.env.POS_REGION ?? 'unknown'
  return resourceFromAttributes({
    'service.name': service,
    'service.namespace': 'pos-fleet',
    'service.instance.id': `${service}-${region}-${process.pid}`,
    'cloud.region': region,
  }).merge(detectResources({ detectors: [envDetector] }))
}
