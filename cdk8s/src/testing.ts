/** cdk8s' Testing helpers, re-exported for the suites under test/manifests (which resolve packages from test/). */
export { Testing } from 'cdk8s'
