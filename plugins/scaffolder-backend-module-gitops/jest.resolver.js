// Kubernetes schema packages (kubernetes-models) ship ESM only, with an
// "import" export condition. Jest resolves with "require", so resolve those
// packages, and what they import, with "import" too; the swc transform then
// turns them into CommonJS for the test run.
const ESM_ONLY =
  /^(kubernetes-models|@kubernetes-models\/|is-cidr|cidr-regex|ip-regex)/;

module.exports = (request, options) => {
  const fromEsmPackage =
    /node_modules\/(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)\//.test(
      options.basedir,
    );
  if (ESM_ONLY.test(request) || fromEsmPackage) {
    try {
      return options.defaultResolver(request, {
        ...options,
        conditions: ['import', 'node', 'default'],
      });
    } catch {
      // fall through to the default conditions
    }
  }
  return options.defaultResolver(request, options);
};
