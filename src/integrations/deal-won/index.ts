/** deal-won as the catalog sees it: its definition and its settings (`config.dealWon`). */
export { dealWonIntegration as definition } from './definition';
export { dealWonSettings as settings } from './settings';
