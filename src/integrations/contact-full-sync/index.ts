/** contact-full-sync as the catalog sees it: its definition and its settings (`config.contactFullSync`). */
export { contactFullSyncIntegration as definition } from './definition';
export { contactFullSyncSettings as settings } from './settings';
