/** github-issue-to-slack as the catalog sees it: its definition and its settings (`config.githubIssueToSlack`). */
export { githubIssueToSlackIntegration as definition } from './definition';
export { githubIssueToSlackSettings as settings } from './settings';
