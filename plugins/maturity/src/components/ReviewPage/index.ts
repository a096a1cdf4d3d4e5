export { ReviewPage } from './ReviewPage';
export { EntityMaturityReviewCard } from './EntityMaturityReviewCard';
