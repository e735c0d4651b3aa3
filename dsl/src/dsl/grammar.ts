import { CstParser, type CstNode } from 'chevrotain';
import * as T from './lexer.js';

/**
 * The grammar of the rules DSL, kept pure: it only builds a CST. Meaning is given by the visitor in `visitor.ts`.
 * One instance is created and reused (`parser.input = tokens` resets it).
 *
 * ```
 * document    := item*
 * item        := guild value | module value value | set key '=' value | rule | use
 * rule        := 'rule' value ruleClause*
 * use         := 'use' value 'as' value useClause*
 * ruleClause  := description | on | where | if | then | mode | enabled | disabled | cooldown | rate | limits
 *              | concurrency | tags | set
 * condition   := and ('or' and)* ;  and := unary ('and' unary)* ;  unary := 'not' unary | primary
 * primary     := '(' condition ')' | NAME 'of' '(' conditions ')' | leaf | object
 * leaf        := value params? ('at' value)? operator value
 * step        := 'wait' value | 'step' object | value params? option*
 * value       := object | array | STRING | NUMBER | DURATION | NAME | true | false | null
 * ```
 */
export class RulesParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  document = this.RULE('document', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.guildClause) },
      { ALT: () => this.SUBRULE(this.moduleClause) },
      { ALT: () => this.SUBRULE(this.setClause) },
      { ALT: () => this.SUBRULE(this.ruleEntry) },
      { ALT: () => this.SUBRULE(this.useEntry) },
      { ALT: () => this.SUBRULE(this.stray) },
    ]);
  });

  /**
   * A word where a clause or an item should start (a misspelt keyword). Accepted so the parser keeps going; the
   * visitor reports it once, with the closest keyword.
   */
  stray = this.RULE('stray', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.StringLit) }]);
  });

  guildClause = this.RULE('guildClause', () => {
    this.CONSUME(T.Guild);
    this.SUBRULE(this.value);
  });

  moduleClause = this.RULE('moduleClause', () => {
    this.CONSUME(T.Module);
    this.SUBRULE(this.value, { LABEL: 'name' });
    this.SUBRULE2(this.value, { LABEL: 'settings' });
  });

  setClause = this.RULE('setClause', () => {
    this.CONSUME(T.Set);
    this.SUBRULE(this.key);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });

  ruleEntry = this.RULE('ruleEntry', () => {
    this.CONSUME(T.Rule);
    this.SUBRULE(this.value, { LABEL: 'id' });
    this.MANY(() => this.SUBRULE(this.ruleClause));
  });

  useEntry = this.RULE('useEntry', () => {
    this.CONSUME(T.Use);
    this.SUBRULE(this.value, { LABEL: 'template' });
    this.CONSUME(T.As);
    this.SUBRULE2(this.value, { LABEL: 'id' });
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.inputsClause) },
        { ALT: () => this.SUBRULE(this.modeClause) },
        { ALT: () => this.SUBRULE(this.enabledClause) },
        { ALT: () => this.SUBRULE(this.disabledClause) },
        { ALT: () => this.SUBRULE(this.setClause) },
      ]),
    );
  });

  inputsClause = this.RULE('inputsClause', () => {
    this.CONSUME(T.Inputs);
    this.SUBRULE(this.value);
  });

  ruleClause = this.RULE('ruleClause', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.descriptionClause) },
      { ALT: () => this.SUBRULE(this.onClause) },
      { ALT: () => this.SUBRULE(this.whereClause) },
      { ALT: () => this.SUBRULE(this.ifClause) },
      { ALT: () => this.SUBRULE(this.thenClause) },
      { ALT: () => this.SUBRULE(this.modeClause) },
      { ALT: () => this.SUBRULE(this.enabledClause) },
      { ALT: () => this.SUBRULE(this.disabledClause) },
      { ALT: () => this.SUBRULE(this.cooldownClause) },
      { ALT: () => this.SUBRULE(this.rateClause) },
      { ALT: () => this.SUBRULE(this.limitsClause) },
      { ALT: () => this.SUBRULE(this.concurrencyClause) },
      { ALT: () => this.SUBRULE(this.tagsClause) },
      { ALT: () => this.SUBRULE(this.setClause) },
      { ALT: () => this.SUBRULE(this.stray) },
    ]);
  });

  descriptionClause = this.RULE('descriptionClause', () => {
    this.CONSUME(T.Description);
    this.SUBRULE(this.value);
  });

  onClause = this.RULE('onClause', () => {
    this.CONSUME(T.On);
    this.SUBRULE(this.valueList);
  });

  tagsClause = this.RULE('tagsClause', () => {
    this.CONSUME(T.Tags);
    this.SUBRULE(this.valueList);
  });

  valueList = this.RULE('valueList', () => {
    this.SUBRULE(this.value);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.value);
    });
  });

  whereClause = this.RULE('whereClause', () => {
    this.CONSUME(T.Where);
    this.OR([
      { ALT: () => this.SUBRULE(this.object) },
      {
        ALT: () => {
          this.SUBRULE(this.key, { LABEL: 'field' });
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.In);
                this.SUBRULE(this.value);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Not);
                this.CONSUME2(T.In, { LABEL: 'notIn' });
                this.SUBRULE2(this.value);
              },
            },
            {
              GATE: () => this.LA(2).tokenType === T.Of,
              ALT: () => {
                this.CONSUME(T.Name, { LABEL: 'sub' });
                this.CONSUME(T.Of);
                this.SUBRULE3(this.value);
              },
            },
            { ALT: () => this.SUBRULE4(this.value) },
          ]);
        },
      },
    ]);
  });

  ifClause = this.RULE('ifClause', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.condition);
  });

  condition = this.RULE('condition', () => {
    this.SUBRULE(this.andCondition);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andCondition);
    });
  });

  andCondition = this.RULE('andCondition', () => {
    this.SUBRULE(this.unaryCondition);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.unaryCondition);
    });
  });

  unaryCondition = this.RULE('unaryCondition', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.unaryCondition);
        },
      },
      { ALT: () => this.SUBRULE(this.primaryCondition) },
    ]);
  });

  primaryCondition = this.RULE('primaryCondition', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.condition);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.object) },
      { GATE: () => this.LA(2).tokenType === T.Of, ALT: () => this.SUBRULE(this.groupCondition) },
      { ALT: () => this.SUBRULE(this.leafCondition) },
    ]);
  });

  groupCondition = this.RULE('groupCondition', () => {
    this.CONSUME(T.Name, { LABEL: 'kind' });
    this.CONSUME(T.Of);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.condition) });
    this.CONSUME(T.RParen);
  });

  leafCondition = this.RULE('leafCondition', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Name, { LABEL: 'fact' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'fact' }) },
    ]);
    this.OPTION(() => this.SUBRULE(this.params));
    this.OPTION2(() => {
      this.CONSUME(T.At);
      this.SUBRULE(this.value, { LABEL: 'path' });
    });
    this.SUBRULE(this.operator);
    this.SUBRULE2(this.value, { LABEL: 'expected' });
  });

  params = this.RULE('params', () => {
    this.CONSUME(T.LParen);
    this.MANY(() => {
      this.SUBRULE(this.entry);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  operator = this.RULE('operator', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Comparison) },
      // Not an operator: accepted so that the visitor can say "write ==" instead of a vague syntax error.
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.In) },
      { ALT: () => this.CONSUME(T.Contains) },
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.OR2([{ ALT: () => this.CONSUME2(T.In) }, { ALT: () => this.CONSUME2(T.Contains) }]);
        },
      },
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.StringLit) },
    ]);
  });

  thenClause = this.RULE('thenClause', () => {
    this.CONSUME(T.Then);
    this.MANY(() => this.SUBRULE(this.step));
  });

  step = this.RULE('step', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Wait);
          this.SUBRULE(this.value, { LABEL: 'duration' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Step);
          this.SUBRULE2(this.object, { LABEL: 'raw' });
        },
      },
      { ALT: () => this.SUBRULE(this.actionStep) },
    ]);
  });

  actionStep = this.RULE('actionStep', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Name, { LABEL: 'action' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'action' }) },
    ]);
    // Lookahead does not cross rule boundaries, so say explicitly that `Name` alone starts the next step, not params.
    this.OPTION({
      GATE: () => {
        const next = this.LA(1).tokenType;
        return next === T.LBrace || next === T.With || this.LA(2).tokenType === T.Colon;
      },
      DEF: () =>
        this.OR2([
          { ALT: () => this.SUBRULE(this.object) },
          {
            ALT: () => {
              this.CONSUME(T.With);
              this.SUBRULE(this.value);
            },
          },
          {
            GATE: () => this.LA(2).tokenType === T.Colon,
            ALT: () => this.SUBRULE(this.inlineParams),
          },
        ]),
    });
    // `on error …` is a step option; `on <event>` after a step is the rule's trigger clause.
    this.MANY({
      GATE: () => this.LA(1).tokenType !== T.On || this.LA(2).tokenType === T.ErrorKw,
      DEF: () => this.SUBRULE(this.stepOption),
    });
  });

  inlineParams = this.RULE('inlineParams', () => {
    this.SUBRULE(this.entry);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.entry);
    });
  });

  stepOption = this.RULE('stepOption', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Retry);
          this.SUBRULE(this.value, { LABEL: 'attempts' });
          this.OPTION(() => this.CONSUME(T.Times));
          this.OPTION2(() => {
            this.CONSUME(T.Backoff);
            this.SUBRULE2(this.value, { LABEL: 'backoff' });
          });
        },
      },
      {
        GATE: () => this.LA(2).tokenType === T.ErrorKw,
        ALT: () => {
          this.CONSUME(T.On);
          this.CONSUME(T.ErrorKw);
          this.SUBRULE3(this.value, { LABEL: 'onError' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.As);
          this.SUBRULE4(this.value, { LABEL: 'as' });
        },
      },
    ]);
  });

  modeClause = this.RULE('modeClause', () => {
    this.CONSUME(T.Mode);
    this.SUBRULE(this.value);
  });

  enabledClause = this.RULE('enabledClause', () => {
    this.CONSUME(T.Enabled);
    this.OPTION(() => this.SUBRULE(this.value));
  });

  disabledClause = this.RULE('disabledClause', () => {
    this.CONSUME(T.Disabled);
  });

  cooldownClause = this.RULE('cooldownClause', () => {
    this.CONSUME(T.Cooldown);
    this.SUBRULE(this.value, { LABEL: 'window' });
    this.CONSUME(T.Per);
    this.SUBRULE(this.perValue, { LABEL: 'per' });
  });

  rateClause = this.RULE('rateClause', () => {
    this.CONSUME(T.Rate);
    this.SUBRULE(this.value, { LABEL: 'max' });
    this.CONSUME(T.Per);
    this.SUBRULE2(this.value, { LABEL: 'window' });
    this.CONSUME2(T.Per);
    this.SUBRULE(this.perValue, { LABEL: 'per' });
  });

  limitsClause = this.RULE('limitsClause', () => {
    this.CONSUME(T.Limits);
    this.SUBRULE(this.value);
  });

  concurrencyClause = this.RULE('concurrencyClause', () => {
    this.CONSUME(T.Concurrency);
    this.SUBRULE(this.value, { LABEL: 'mode' });
    this.OPTION(() => {
      this.CONSUME(T.Per);
      this.SUBRULE(this.perValue, { LABEL: 'per' });
    });
  });

  /** `per user`, `per channel`, `per guild` (`guild` is also the keyword that starts the rule set). */
  perValue = this.RULE('perValue', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Guild) }, { ALT: () => this.SUBRULE(this.value) }]);
  });

  key = this.RULE('key', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.Keyword) },
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.DurationLit) },
    ]);
  });

  entry = this.RULE('entry', () => {
    this.SUBRULE(this.key);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.value);
  });

  object = this.RULE('object', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.entry);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  array = this.RULE('array', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.SUBRULE(this.value);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.object) },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.DurationLit) },
      { ALT: () => this.CONSUME(T.Name) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
    ]);
  });
}

/** The one parser instance (chevrotain parsers are meant to be reused). */
export const rulesParser = new RulesParser();
export type { CstNode };
