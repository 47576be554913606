/**
 * The workshop's functions and their source modules, relative to
 * examples/workshop (in the SAM template: each function's `CodeUri` and
 * `Handler`, the module exporting `handler`).
 */
export const FUNCTION_SOURCES: Readonly<Record<string, string>> = {
  authorizer: 'src/authorizer/index.ts',
  unicornParts: 'src/app/unicornParts.ts',
  customizeUnicorn: 'src/app/customizeUnicorn.ts',
  managePartners: 'src/app/managePartners.ts',
  customUnicornAnalytics: 'src/app/customUnicornAnalytics.ts',
};
