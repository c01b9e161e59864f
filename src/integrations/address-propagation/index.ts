/** address-propagation as the catalog sees it: its definition and its settings (`config.addressPropagation`). */
export { addressPropagationIntegration as definition } from './definition';
export { addressPropagationSettings as settings } from './settings';
