# A Rouge lexer for GNU as (AT&T syntax, run through cpp: the project's .S files).
# Rouge ships lexers for NASM and ARM assembly but none for GAS, and the Quest
# shows the Guest's and Switcher's assembly beside its story, highlighted like
# the rest.  Loaded by the docs profile in pom.xml.
require 'rouge'

module Rouge
  module Lexers
    class Gas < RegexLexer
      title 'GNU as'
      desc 'GNU assembler, AT&T syntax, with C preprocessor lines'
      tag 'gas'
      filenames '*.S', '*.s'

      state :root do
        rule %r(/\*.*?\*/)m, Comment::Multiline
        rule %r(^\s*#\s*[a-z]+\b.*?$), Comment::Preproc
        rule %r((//|#).*?$), Comment::Single
        rule %r("(\\.|[^"\\])*"), Str::Double
        rule %r(^\s*[a-zA-Z_.$][\w.$]*:), Name::Label
        rule %r(^([ \t]*)([a-z][a-z0-9]*)\b) do
          groups Text, Keyword
        end
        rule %r(\.[a-zA-Z_]\w*), Name::Builtin
        rule %r(%[a-z]+[0-9]*), Name::Variable
        rule %r(\$?(0x[0-9a-fA-F]+|[0-9]+)\b), Num
        rule %r(\$), Punctuation
        rule %r([a-zA-Z_][\w.]*), Name
        rule %r([-+*/(),:;<>=&|~!^\[\]]), Operator
        rule %r(\n), Text
        rule %r([ \t]+), Text
        rule %r(.), Text
      end
    end
  end
end
