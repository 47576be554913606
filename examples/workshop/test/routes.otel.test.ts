import { describeRoutes } from './routes-suite.ts';

// The same routes traced through the OpenTelemetry backend: OTLP datagrams to the
// X-Ray daemon's stand-in, read back as X-Ray would show them (SQL spans from node:sqlite too).
describeRoutes('every route against dynalite + SQLite, traced with OpenTelemetry', {
  tracing: 'otel',
  expectSql: true,
});
