import { aiActorOf, NoActorError, recordedPerson, SYSTEM_ACTOR, taskPerson, UNNAMED_PERSON } from '@/lib/workflow/actors';

describe('the actor policy', () => {
  it('a person acting on a task needs a name; blanks are no name', () => {
    expect(taskPerson('  Pat ')).toEqual({ kind: 'human', name: 'Pat' });
    expect(() => taskPerson('')).toThrow(NoActorError);
    expect(() => taskPerson('   ')).toThrow(/Enter your name/);
  });

  it('configuration and page events are recorded under the name, else as an unnamed person', () => {
    expect(recordedPerson('Pat')).toEqual({ kind: 'human', name: 'Pat' });
    expect(recordedPerson(' ')).toEqual({ kind: 'human', name: UNNAMED_PERSON });
  });

  it('the AI is named after its site; ConvOps is the system', () => {
    expect(aiActorOf('chatgpt')).toEqual({ kind: 'ai', name: 'ChatGPT' });
    expect(aiActorOf('claude')).toEqual({ kind: 'ai', name: 'Claude' });
    expect(SYSTEM_ACTOR.kind).toBe('system');
  });
});
