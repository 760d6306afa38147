/**
 * bench/RESULTS.md has more than one writer: `npm run bench` regenerates the file and must keep
 * the section `npm run bench:outbox` owns (bench/results-section.js), which in turn replaces only
 * its own section. A full run erasing the outbox numbers would go unnoticed until someone looked.
 */
interface Sections {
  sectionOf(text: string, name: string): string | null;
  replaceSection(text: string, name: string, body: string): string;
  keepSections(previous: string | null, text: string, names: string[]): string;
}
// bench/ is plain JavaScript run by node, without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sectionOf, replaceSection, keepSections } = require('../../bench/results-section') as Sections;

const outbox = (body: string) => `<!-- outbox:start -->\n${body}\n<!-- outbox:end -->`;

describe('bench/RESULTS.md sections', () => {
  it('a regenerated file keeps the outbox section of the previous one, and nothing else of it', () => {
    const previous = `# /webhook benchmark\n\nold numbers 1,234 req/s\n\n${outbox('## Outbox\n\n512 tickets/s')}\n`;
    const regenerated = '# /webhook benchmark\n\nnew numbers 2,345 req/s\n';
    const out = keepSections(previous, regenerated, ['outbox']);
    expect(out).toContain('new numbers 2,345 req/s');
    expect(out).not.toContain('old numbers');
    expect(sectionOf(out, 'outbox')).toBe(outbox('## Outbox\n\n512 tickets/s'));
  });

  it('a first run (no previous file, or one without the section) writes just the new report', () => {
    expect(keepSections(null, '# report\n', ['outbox'])).toBe('# report\n');
    expect(keepSections('# old report\n', '# report\n', ['outbox'])).toBe('# report\n');
    expect(keepSections(`# old\n<!-- outbox:start -->\nhalf a section`, '# report\n', ['outbox'])).toBe('# report\n');
  });

  it('the outbox bench replaces its section in place and leaves the rest of the file alone', () => {
    const file = `# head\n\n${outbox('first')}\n\n## tail\n`;
    const out = replaceSection(file, 'outbox', 'second $& $1');
    expect(out).toBe(`# head\n\n${outbox('second $& $1')}\n\n## tail\n`);
    expect(replaceSection('# head\n', 'outbox', 'first')).toBe(`# head\n\n${outbox('first')}\n`);
  });
});
