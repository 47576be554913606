// pnpm hooks. beforePacking shapes the manifest `pnpm pack` / `pnpm publish`
// put in a tarball (after publishConfig and workspace: ranges are applied):
// a consumer needs neither our build scripts nor our devDependencies — among
// them the private, unpublished @lambda-sentinel/testing.
module.exports = {
  hooks: {
    beforePacking(pkg) {
      delete pkg.devDependencies;
      delete pkg.scripts;
      return pkg;
    },
  },
};
