/**
 * The maturity scorecard UI: the entity card and tab, the scorecards page
 * (with campaigns) and the architecture review page. This entry point holds
 * the legacy frontend system exports; the new system's plugin is the default
 * export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  maturityPlugin,
  EntityMaturityCard,
  EntityMaturityContent,
  EntityDeliveryOutcomesCard,
  EntityTeamMaturityCard,
  EntityTeamDeliveryOutcomesCard,
  EntityMaturityReviewCard,
  MaturityScorecardsPage,
  MaturityReviewPage,
} from './plugin';
export * from './api';
export {
  MaturityLevelsProvider,
  EntityMaturityLevel,
} from './components/EntityMaturityCard/MaturityLevels';
export { MATURITY_BASE_PATH, reviewPagePath } from './routes';
