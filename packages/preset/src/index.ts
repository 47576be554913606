export { type SentinelOptions, sentinel } from './sentinel.ts';
