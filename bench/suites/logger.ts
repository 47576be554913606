// Redacted logging vs plain Powertools: the cost of one `logger.info` line with the same message and
// a realistic small object (target: within 1.5x), and of logging a ~2 KB API Gateway event the way
// `logEvent: true` does (informative; the event carries a bearer token, so redaction does real work).
// Output goes to bench/run.ts's sink; both loggers have the Lambda context added, as in a handler.
import { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '@lambda-sentinel/logger';
import { bench, group, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, lambdaContext } from '../lambda-env.ts';

await lambdaBenchEnvironment();

const context = lambdaContext();
const plain = new Logger({ serviceName: 'bench' });
const redacting = createLogger({ serviceName: 'bench' });
plain.addContext(context);
redacting.addContext(context);

const order = {
  orderId: 'ord-7f3c2a9e',
  customerId: 'cus-1842',
  items: [
    { sku: 'UNICORN-7', quantity: 2, unitPrice: 1999 },
    { sku: 'HORN-GLITTER', quantity: 1, unitPrice: 499 },
  ],
  currency: 'EUR',
  status: 'PENDING',
  requestPath: '/orders/42',
};
const event = apiGatewayRestEvent();

group('logger.info, small object', () => {
  summary(() => {
    bench('Powertools logger.info', () => plain.info('order received', order));
    bench('Sentinel createLogger().info (redacted)', () => redacting.info('order received', order));
  });
});

group('logger.info, 2 KB API Gateway event (logEvent)', () => {
  summary(() => {
    bench('Powertools logger.info(event)', () => plain.info('Lambda invocation event', { event }));
    bench('Sentinel logger.info(event) (redacted)', () =>
      redacting.info('Lambda invocation event', { event }),
    );
  });
});
