import { Gate } from '../../src/load/gate';

describe('Gate caps requests in flight, first come first served', () => {
  it('lets `capacity` in at once and the rest in arrival order as places free', () => {
    const gate = new Gate(2);
    const entered: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) gate.enter(() => entered.push(name));
    expect(entered).toEqual(['a', 'b']);
    gate.leave();
    expect(entered).toEqual(['a', 'b', 'c']);
    gate.leave();
    gate.leave();
    expect(entered).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The two holders left leave: two places free, so f and g enter and h waits.
    gate.leave();
    gate.leave();
    gate.enter(() => entered.push('f'));
    gate.enter(() => entered.push('g'));
    gate.enter(() => entered.push('h'));
    expect(entered.slice(5)).toEqual(['f', 'g']);
  });

  it('tells the caller whether it entered at once or had to wait', () => {
    const gate = new Gate(1);
    expect(gate.enter(() => undefined)).toBe(true);
    expect(gate.enter(() => undefined)).toBe(false);
  });
});
