/** Every workflow the worker runs; the worker bundles this file. */
export { contactSync } from './contactSync';
export { orderFulfillment } from './orderFulfillment';
export { ticketSurvey } from './ticketSurvey';
export { contactFullSync } from './contactFullSync';
export { dealWon } from './dealWon';
export { addressPropagation } from './addressPropagation';
