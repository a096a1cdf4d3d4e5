export {
  DeliveryOutcomes,
  EntityDeliveryOutcomesCard,
} from './DeliveryOutcomesCard';
export { TeamDeliveryOutcomesCard } from './TeamDeliveryOutcomesCard';
