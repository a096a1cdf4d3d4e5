module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Dependencies point downward: a mixed plugin import fails the lint.
    '@backstage/no-mixed-plugin-imports': 'error',
  },
});
