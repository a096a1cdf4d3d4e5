module github.com/brightpath/thumbnail-function

go 1.23

require (
	cloud.google.com/go/storage v1.46.0
	github.com/cloudevents/sdk-go/v2 v2.15.2
	github.com/disintegration/imaging v1.6.2
	go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp v0.56.0
	go.opentelemetry.io/otel v1.31.0
	go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp v0.54.0
	go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp v1.31.0
	go.opentelemetry.io/otel/sdk v1.31.0
)
