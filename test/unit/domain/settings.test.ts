import { readSettings } from '../../../server/src/domain/settings';
import { LOG_TYPES, type Settings } from '../../../server/src/domain/types';
import { loadIparams } from '../../support/fixtures';

const DEFAULTS: Settings = {
  defaultAgentId: '',
  channelId: null,
  resolvePolicy: 'answered',
  csatScale: '1-5',
  logCallTypes: LOG_TYPES.slice(),
  maskCallerNumber: false,
  noteTiming: 'immediate',
  callerSalt: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown as string,
};

describe('readSettings', () => {
  test('reads the sample installation', () => {
    expect(readSettings(loadIparams())).toEqual({
      defaultAgentId: 'a9e00000-0000-4000-8000-000000000003',
      channelId: 'c0000000-0000-4000-8000-000000000001',
      resolvePolicy: 'answered',
      csatScale: '1-5',
      logCallTypes: ['answered', 'missed', 'voicemail', 'abandoned', 'outgoing'],
      maskCallerNumber: false,
      noteTiming: 'immediate',
      callerSalt: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
  });

  test.each<[unknown, string]>([
    ['complete', 'complete'],
    [' Complete ', 'complete'],
    ['immediate', 'immediate'],
    ['later', 'immediate'],
    [3, 'immediate'],
  ])('note_timing %j reads as %s', (value, expected) => {
    expect(readSettings({ note_timing: value }).noteTiming).toBe(expected);
  });

  test('the caller salt is a digest of the Freshchat API key: it differs by key and never holds the key', () => {
    const a = readSettings({ freshchat_api_key: 'secret-key-aaaa' }).callerSalt;
    const b = readSettings({ freshchat_api_key: 'secret-key-bbbb' }).callerSalt;
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(readSettings({ freshchat_api_key: 'secret-key-aaaa' }).callerSalt).toBe(a);
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['an array', ['resolve_policy']],
    ['a string', 'answered'],
    ['an empty object', {}],
  ])('uses every default for %s', (_label, iparams) => {
    expect(readSettings(iparams)).toEqual(DEFAULTS);
  });

  test.each<[string, unknown, string | null]>([
    ['a channel id', 'channel-1', 'channel-1'],
    ['a padded channel id', '  channel-1 ', 'channel-1'],
    ['an empty string', '', null],
    ['whitespace only', '   ', null],
    ['null', null, null],
    ['a number', 42, '42'],
    ['an object', { id: 1 }, null],
  ])('freshchat_channel_id as %s', (_label, value, expected) => {
    expect(readSettings({ freshchat_channel_id: value }).channelId).toBe(expected);
  });

  test.each<[unknown, string]>([
    [' agent-7 ', 'agent-7'],
    [7001, '7001'],
    ['', ''],
    [undefined, ''],
  ])('freshchat_default_agent_id %p reads %p', (value, expected) => {
    expect(readSettings({ freshchat_default_agent_id: value }).defaultAgentId).toBe(expected);
  });

  test.each<[unknown, string]>([
    ['never', 'never'],
    ['answered', 'answered'],
    [' Never ', 'never'],
    ['always', 'answered'],
    ['', 'answered'],
    [1, 'answered'],
    [undefined, 'answered'],
  ])('resolve_policy %p reads %p', (value, expected) => {
    expect(readSettings({ resolve_policy: value }).resolvePolicy).toBe(expected);
  });

  test.each<[unknown, string]>([
    ['1-5', '1-5'],
    ['1-9', '1-9'],
    ['1-2', '1-2'],
    ['1-10', '1-5'],
    [5, '1-5'],
    [null, '1-5'],
  ])('csat_scale %p reads %p', (value, expected) => {
    expect(readSettings({ csat_scale: value }).csatScale).toBe(expected);
  });

  test.each<[string, unknown, string[]]>([
    ['missing', undefined, LOG_TYPES.slice()],
    ['null', null, LOG_TYPES.slice()],
    ['an empty array (admin unticked everything)', [], []],
    ['an empty string', '', []],
    ['an array', ['missed', 'answered'], ['answered', 'missed']],
    ['one string', 'voicemail', ['voicemail']],
    ['a comma-separated string', 'missed, outgoing,abandoned', ['missed', 'abandoned', 'outgoing']],
    ['an array with unknown values', ['missed', 'blocked', 3, null], ['missed']],
    ['only unknown values', ['blocked'], []],
    ['repeats and odd case', ['Missed', 'missed', ' ANSWERED '], ['answered', 'missed']],
    ['a number', 5, LOG_TYPES.slice()],
    ['an object', { answered: true }, LOG_TYPES.slice()],
  ])('log_call_types as %s', (_label, value, expected) => {
    expect(readSettings({ log_call_types: value }).logCallTypes).toEqual(expected);
  });

  test('the default list is a copy, not the shared constant', () => {
    const settings = readSettings({});
    settings.logCallTypes.pop();
    expect(LOG_TYPES).toHaveLength(5);
    expect(readSettings({}).logCallTypes).toHaveLength(5);
  });

  test.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    [' TRUE ', true],
    ['yes', false],
    [1, false],
    [null, false],
    [undefined, false],
  ])('mask_caller_number %p reads %p', (value, expected) => {
    expect(readSettings({ mask_caller_number: value }).maskCallerNumber).toBe(expected);
  });
});
