/** Jira Cloud settings, read when TICKETING_PROVIDER=jira. */
import type { EnvReader } from '../../config/env';

export interface JiraConfig {
  host: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
  /** Labels put on every ticket the bot files. */
  labels: string[];
}

export function readJiraConfig(env: EnvReader): JiraConfig {
  const because = 'TICKETING_PROVIDER=jira';
  const projectKey = env.require('JIRA_PROJECT_KEY', because);
  if (projectKey && !/^[A-Z][A-Z0-9_]{0,9}$/.test(projectKey)) env.problems.push(`JIRA_PROJECT_KEY: '${projectKey}' is not a Jira project key (such as SUP)`);
  return {
    host: env.url('JIRA_HOST', undefined, because),
    email: env.require('JIRA_EMAIL', because),
    apiToken: env.require('JIRA_API_TOKEN', because, { secret: true }),
    projectKey,
    issueType: env.get('JIRA_ISSUE_TYPE') ?? 'Task',
    labels: (env.get('JIRA_LABELS') ?? 'chatbot')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}
