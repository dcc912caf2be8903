import type { Command } from 'commander';

/** Shells `hookline completion` writes a script for. */
export const SHELLS = ['bash', 'zsh'] as const;

/** What a verb's first argument completes to: fixed words, or the names a `get` lists. */
export interface ArgumentWords {
  [verb: string]: { words: readonly string[] } | { listed: string };
}

/**
 * The completion script for `shell`, made from the program's own verbs and options so that it
 * cannot fall behind them. zsh runs the bash function through bashcompinit.
 */
export function completionScript(shell: (typeof SHELLS)[number], program: Command, argumentWords: ArgumentWords): string {
  const verbs = program.commands.filter((c) => c.name() !== 'help');
  const cases = verbs.map((verb) => verbCase(verb, argumentWords[verb.name()])).join('\n');
  const bash = `# hookline completion for ${shell}: eval "$(hookline completion ${shell})"
_hookline() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${verbs.map((v) => v.name()).join(' ')} ${optionWords(program)}" -- "$cur") )
    return
  fi
  case "$prev" in
    -f|--filename) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    -o|--output) COMPREPLY=( $(compgen -W "table wide json yaml name" -- "$cur") ); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
}
complete -F _hookline hookline
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}

function verbCase(verb: Command, first: ArgumentWords[string] | undefined): string {
  const options = optionWords(verb);
  const sub = verb.commands.map((c) => c.name());
  const words = sub.length > 0 ? `"${sub.join(' ')}"` : first && 'words' in first ? `"${first.words.join(' ')}"` : first ? `"$(hookline get ${first.listed} -o name 2>/dev/null)"` : '""';
  return `    ${verb.name()})
      if [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then COMPREPLY=( $(compgen -W ${words} -- "$cur") ); else COMPREPLY=( $(compgen -W "${options}" -- "$cur") ); fi ;;`;
}

function optionWords(command: Command): string {
  return command.options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined)).join(' ');
}
