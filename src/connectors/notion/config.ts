/** Notion settings, read when KB_PROVIDER=notion. */
import type { EnvReader } from '../../config/env';

export interface NotionConfig {
  token: string;
  databaseId: string;
  baseUrl: string;
  /** Property names in the database; defaults match the documented template. */
  properties: { title: string; reference: string; tags: string };
}

export function readNotionConfig(env: EnvReader): NotionConfig {
  const because = 'KB_PROVIDER=notion';
  return {
    token: env.require('NOTION_TOKEN', because, { secret: true }),
    databaseId: env.require('NOTION_DATABASE_ID', because),
    baseUrl: env.url('NOTION_BASE_URL', 'https://api.notion.com', because),
    properties: {
      title: env.get('NOTION_TITLE_PROPERTY') ?? 'Name',
      reference: env.get('NOTION_REFERENCE_PROPERTY') ?? 'Reference',
      tags: env.get('NOTION_TAGS_PROPERTY') ?? 'Tags',
    },
  };
}
