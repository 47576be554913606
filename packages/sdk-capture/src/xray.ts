/**
 * `@lambda-sentinel/sdk-capture/xray`: the X-Ray adapter, for building the
 * backend yourself (`sdkCapture({ backend: xrayBackend({...}) })`).
 *
 * @module
 */
export { type PowertoolsTracerLike, type XrayBackendOptions, xrayBackend } from './xray/xray-backend.ts';
