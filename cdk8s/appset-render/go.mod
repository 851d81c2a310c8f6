module pos-fleet.io/appset-render

go 1.23
