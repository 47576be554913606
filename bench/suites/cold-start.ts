// Cold-start cost: how long a fresh Node process takes to import the bundled sentinel() stack vs the
// bundled Powertools trio (esbuild, as SAM builds a function), minus an empty bundle's time.
import { bench, summary } from 'mitata';
import { buildBundles, importInFreshProcess } from '../cold-bundles.ts';

const { dir, bundles, sizes } = await buildBundles();
const importOnce = (file: string) => () => importInFreshProcess(file, dir);
for (const file of Object.values(bundles)) importOnce(file)();

summary(() => {
  bench('node + empty bundle', importOnce(bundles.empty!)).baseline(true);
  bench('node + bundled Powertools trio', importOnce(bundles.trio!));
  bench('node + bundled sentinel(), xray', importOnce(bundles.sentinel!));
  bench('node + bundled sentinel(), otel', importOnce(bundles.sentinelOtel!));
  bench('node + bundled sentinel(), xray, runtime guard', importOnce(bundles.sentinelGuard!));
});
summary(() => {
  bench('node + bundled Powertools Tracer', importOnce(bundles.powertoolsTracer!)).baseline(true);
  bench('node + bundled sdkCapture, xray', importOnce(bundles.tracingXray!));
  bench('node + bundled sdkCapture, otel', importOnce(bundles.tracingOtel!));
});

export const notes = () => sizes;
