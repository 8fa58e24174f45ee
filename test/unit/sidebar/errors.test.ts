import { describeRejection, MESSAGE_MAX, notice, TITLE_MAX } from '../../../app/src/view/errors';

describe('describeRejection: server-method rejections in plain words', () => {
  it('429: the budget of server-method calls is spent (retry later)', () => {
    expect(describeRejection({ status: 429, message: 'Rate limit exceeded' })).toEqual({
      type: 'warning',
      title: 'Too many requests',
      message: "This app's 50 requests a minute are used up. Try again in a minute.",
      status: 429,
      transient: true,
    });
  });

  it('504: the method timed out (retry later)', () => {
    expect(describeRejection({ status: 504, message: 'Timeout' })).toMatchObject({ type: 'warning', title: 'Timed out', transient: true });
  });

  it("4xx: the method's own message, as a refusal that a retry will not fix", () => {
    expect(describeRejection({ status: 400, message: 'callId must be digits' })).toEqual({
      type: 'danger',
      title: 'Request refused',
      message: 'callId must be digits',
      status: 400,
      transient: false,
    });
    expect(describeRejection({ status: 404, message: '' })).toMatchObject({ message: 'The app refused this request.', transient: false });
  });

  it('5xx: a server error with its message, worth another try', () => {
    expect(describeRejection({ status: 500, message: 'Error while executing App server script' })).toMatchObject({
      type: 'warning',
      title: 'Something went wrong',
      message: 'Error while executing App server script',
      transient: true,
    });
    expect(describeRejection({ status: 502 })).toMatchObject({ message: 'The app failed to answer. Try again in a moment.' });
  });

  test.each([[undefined], [null], ['offline'], [new Error('boom')], [{ status: 'x' }]])('no status (%p): the app could not be reached', (err) => {
    expect(describeRejection(err)).toMatchObject({ status: 0, title: 'No answer', transient: true });
  });

  it('keeps titles and messages within the notice limits', () => {
    const long = describeRejection({ status: 422, message: 'x'.repeat(300) });
    expect(long.message).toHaveLength(MESSAGE_MAX);
    expect(long.message.endsWith('…')).toBe(true);
    expect(notice('info', 'y'.repeat(40), 'ok').title).toHaveLength(TITLE_MAX);
  });
});
