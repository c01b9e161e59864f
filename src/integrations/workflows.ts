/** Every workflow the worker runs; the worker bundles this file. */
export { contactSync } from './contact-sync/workflow';
export { orderFulfillment } from './order-fulfillment/workflow';
export { ticketSurvey } from './ticket-survey/workflow';
export { contactFullSync } from './contact-full-sync/workflow';
export { dealWon } from './deal-won/workflow';
export { addressPropagation } from './address-propagation/workflow';
