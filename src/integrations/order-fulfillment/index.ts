/** order-fulfillment as the catalog sees it: its definition and its settings (`config.orderFulfillment`). */
export { orderFulfillmentIntegration as definition } from './definition';
export { orderFulfillmentSettings as settings } from './settings';
