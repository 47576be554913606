// Lambda-like process environment for the tests, set BEFORE the X-Ray SDK
// and the Powertools Tracer load: the SDK decides at import whether it runs
// in Lambda (facade segment, streaming), the Tracer at construction whether
// tracing is on. Import this module first, then the rest dynamically.
process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
process.env.POWERTOOLS_SERVICE_NAME = 'orders';
process.env._HANDLER = 'index.handler';
delete process.env.AWS_XRAY_DAEMON_ADDRESS;
delete process.env.POWERTOOLS_TRACE_ENABLED;
delete process.env.AWS_SAM_LOCAL;

export {};
