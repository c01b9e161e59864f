/** The Web UI's Current Details, as the progress tracker writes them (Temporal markdown). */
import { currentDetailsOf } from './progress';

test('the stage, then the last step with the count so far, then the last error', () => {
  expect(currentDetailsOf({ stage: 'started', stepsDone: [] })).toBe('**Stage:** started');
  expect(
    currentDetailsOf({
      stage: 'syncing',
      stepsDone: ['sync 1 event(s): member abc subscribed', 'sync 2 event(s): member abc subscribed'],
      lastError: 'mailchimp PUT … → 400',
    }),
  ).toBe(
    '**Stage:** syncing\n\n**Last step:** sync 2 event(s): member abc subscribed (2 step(s) so far)\n\n**Last error:** mailchimp PUT … → 400',
  );
});
