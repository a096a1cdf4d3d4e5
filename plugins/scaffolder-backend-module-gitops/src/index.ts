/**
 * GitOps scaffolder actions for the Cloud-Native Portal: the template
 * record, manifest validation, local publishing and GitOps pull requests,
 * plus the template test harness.
 *
 * @packageDocumentation
 */
export {
  gitopsFeatures as default,
  scaffolderModuleGitops,
  catalogModuleLocalRepositories,
} from './module';
export {
  createWriteTemplateRecordAction,
  TEMPLATE_RECORD_PATH,
} from './actions/writeTemplateRecord';
export type { TemplateRecord } from './actions/writeTemplateRecord';
export { createValidateManifestsAction } from './actions/validateManifests';
export { createPublishLocalAction } from './actions/publishLocal';
export { createOpenGitopsPrAction } from './actions/openPr';
export { createCheckCapabilityAction } from './actions/checkCapability';
export { createAnnotateExtractionAction } from './actions/annotateExtraction';
export { createRenderTemplateAction } from './actions/renderTemplate';
export {
  createFetchEntitySourceAction,
  allowedSourceRoots,
} from './actions/fetchEntitySource';
export { createPlanAdoptionAction } from './actions/planAdoption';
export { createPlanUpgradeAction } from './actions/planUpgrade';
export type { TemplateRenderer } from './actions/planUpgrade';
export {
  planAdoption,
  planUpgrade,
  parseTemplateRecord,
  compareVersions,
} from './lib/day2';
export type {
  AdoptionPlan,
  UpgradePlan,
  UpgradeChange,
  RecordedTemplate,
  FileTree,
  KeptFile,
} from './lib/day2';
export {
  renderCatalogTemplate,
  TEMPLATE_VERSION_ANNOTATION,
} from './lib/renderTemplate';
export type { RenderedFiles } from './lib/renderTemplate';
export { LocalRepositoriesEntityProvider } from './catalogProvider';
export { LocalRepositoryConfinementProcessor } from './localConfinement';
export { validateTree } from './lib/validateTree';
export type { TreeValidation, TreeProblem } from './lib/validateTree';
export { validateKubernetesObject } from './lib/kubernetesSchemas';
export type { SchemaValidation } from './lib/kubernetesSchemas';
export { scanMaturity, scanZeroTrust } from './lib/scan';
export type { TreeMaturity } from './lib/scan';
export { redactAnswers, looksLikeSecret } from './lib/secrets';
