// umami is a dev dependency only for its tracker's source (test/bench/tracker-cost.ts bundles src/tracker): none of
// the app's own dependencies (Next.js, Prisma, ...) are needed, so they are not installed.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === 'umami') {
        pkg.dependencies = {};
        pkg.optionalDependencies = {};
        pkg.peerDependencies = {};
      }
      return pkg;
    },
  },
};
