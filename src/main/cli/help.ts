/**
 * `--help` (or `-h`) anywhere among a command's arguments prints that command's usage and does
 * nothing else: no server starts, no database opens, whatever the other arguments say.
 */

/** Whether `args` ask for help; what follows `--` is data, not an option. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}
