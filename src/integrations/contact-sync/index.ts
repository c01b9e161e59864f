/** contact-sync as the catalog sees it: its definition and its settings (`config.contactSync`). */
export { contactSyncIntegration as definition } from './definition';
export { contactSyncSettings as settings } from './settings';
