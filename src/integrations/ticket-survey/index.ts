/** ticket-survey as the catalog sees it: its definition and its settings (`config.ticketSurvey`). */
export { ticketSurveyIntegration as definition } from './definition';
export { ticketSurveySettings as settings } from './settings';
