/** Every workflow the worker runs; the worker bundles this file. */
export { contactSync } from './contactSync';
