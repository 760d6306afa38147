/**
 * Jira's issue webhooks (`jira:issue_updated`, comment events): what a payload says, in the
 * ports' words. A resolved issue is a solved problem worth an article in the knowledge base:
 * its summary and description are the problem, the latest comment (or the resolution) is the
 * solution, and the issue key is the article's reference.
 */
import { z } from 'zod';
import type { ArticleInput } from '../../ports/knowledge-base';

const JiraIssueWebhook = z.object({
  timestamp: z.number(),
  webhookEvent: z.string(),
  issue: z
    .object({
      key: z.string(),
      fields: z
        .object({
          summary: z.string().optional(),
          description: z.unknown().optional(),
          resolution: z.object({ name: z.string(), description: z.string().optional() }).nullable().optional(),
          status: z.object({ name: z.string().optional(), statusCategory: z.object({ key: z.string() }).optional() }).optional(),
          comment: z.object({ comments: z.array(z.object({ body: z.unknown() })) }).optional(),
        })
        .optional(),
    })
    .optional(),
  comment: z.object({ body: z.unknown() }).optional(),
});

export type JiraWebhookReading = { article: ArticleInput } | { ignore: string } | { invalid: string };

export function solutionFromJiraWebhook(json: unknown): JiraWebhookReading {
  const parsed = JiraIssueWebhook.safeParse(json);
  if (!parsed.success) return { invalid: 'Not a Jira issue webhook.' };
  const { issue, comment } = parsed.data;
  const fields = issue?.fields;
  const resolved = Boolean(fields?.resolution) || fields?.status?.statusCategory?.key === 'done';
  if (!issue || !resolved) return { ignore: 'not a resolved issue' };
  const comments = fields?.comment?.comments ?? [];
  const lastComment = textOf(comment?.body) || textOf(comments[comments.length - 1]?.body);
  const summary = fields?.summary?.trim();
  const description = textOf(fields?.description);
  return {
    article: {
      title: summary ? `${summary} (${issue.key})` : `Solution for ${issue.key}`,
      problem: [summary, description].filter(Boolean).join('\n\n') || `The problem reported in ${issue.key}.`,
      solution: lastComment || fields?.resolution?.description || `Resolved in Jira as "${fields?.resolution?.name ?? fields?.status?.name ?? 'Done'}".`,
      reference: issue.key,
      tags: ['jira', 'solved'],
    },
  };
}

/** Plain text from a Jira string (wiki markup) or an ADF document. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    const n = node as { type?: unknown; text?: unknown; content?: unknown };
    if (typeof n.text === 'string') out.push(n.text);
    if (Array.isArray(n.content)) {
      n.content.forEach(walk);
      if (n.type === 'paragraph') out.push('\n');
    }
  };
  walk(value);
  return out.join('').trim();
}
