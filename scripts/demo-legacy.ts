/**
 * `npm run demo:legacy`: starts the legacy HR portal (test/support/legacy-hr-portal.ts) on
 * 127.0.0.1 and prints how to point the browser robot at it, so you can watch a leave request
 * being filed. The portal is slow on purpose and fails now and then (DEMO_ERROR_RATE, default
 * 0.1): the robot retries, and files each request once.
 */
import { LegacyHrPortal } from '../test/support/legacy-hr-portal';

async function main(): Promise<void> {
  const port = Number(process.env.PORTAL_PORT ?? 4700);
  const errorRate = Number(process.env.DEMO_ERROR_RATE ?? 0.1);
  const portal = new LegacyHrPortal({ confirmationDelayMs: 3_000, errorRate: Number.isFinite(errorRate) ? errorRate : 0.1 });
  const url = await portal.start(port);
  const lines = [
    `Legacy HR portal on ${url}  (log in as ${portal.username} / ${portal.password}; requests at ${url}/requests)`,
    '',
    'Point the robot at it (another terminal, in this folder):',
    `  export RPA_PROVIDER=browser RPA_BASE_URL=${url} HR_PORTAL_USER=${portal.username} HR_PORTAL_PASSWORD='${portal.password}'`,
    '  export RPA_HEADLESS=false        # to watch Chromium do it (needs a display); RPA_BROWSER_PATH if Chromium is elsewhere',
    '  npm run worker                   # runs rpa.run jobs',
    '',
    'Then file one (a third terminal, same variables):',
    `  npm run cli -- call action_request_leave --slot leave_employee="Ada Lovelace" --slot leave_type=annual --slot leave_start=${nextYear()}-07-01 --slot leave_end=${nextYear()}-07-10`,
    '  npm run cli -- jobs list         # the rpa.run job; jobs show REF-... for its result or failure screenshots',
    '',
    'Ctrl-C stops the portal.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => void portal.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function nextYear(): number {
  return new Date().getUTCFullYear() + 1;
}

void main();
