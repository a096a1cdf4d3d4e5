import { parseAnswerPath, redactAnswers, SECRET_PLACEHOLDER } from './secrets';

describe('parseAnswerPath', () => {
  it('reads keys and list indexes', () => {
    expect(parseAnswerPath('notify[1].token')).toEqual(['notify', 1, 'token']);
    expect(parseAnswerPath('a.b')).toEqual(['a', 'b']);
    expect(parseAnswerPath('m[0][2]')).toEqual(['m', 0, 2]);
  });

  it.each([
    ['__proto__.isAdmin', /names "__proto__"/],
    ['constructor.prototype.isAdmin', /names "constructor"/],
    ['values.prototype', /names "prototype"/],
    ['a..b', /is not of the form/],
    ['a[x]', /is not of the form/],
  ])('rejects %s (bad input)', (path, error) => {
    expect(() => parseAnswerPath(path)).toThrow(error);
  });
});

describe('redactAnswers', () => {
  it('keeps the place of a secret list item with a placeholder', () => {
    const { values, excluded } = redactAnswers(
      { notify: ['#ops', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'] },
      {},
    );
    expect(values).toEqual({ notify: ['#ops', SECRET_PLACEHOLDER] });
    expect(excluded).toEqual(['notify[1]']);
  });

  it('keeps an answer named "__proto__" as an own key, not as a prototype (bad input)', () => {
    const input = JSON.parse('{"__proto__": {"isAdmin": true}}');
    const { values } = redactAnswers(input, {});
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    expect((values as any).isAdmin).toBeUndefined();
    expect(({} as any).isAdmin).toBeUndefined();
  });
});
