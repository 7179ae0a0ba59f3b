" Vim syntax file for scn (capacity and cost plans).
if exists('b:current_syntax') | finish | endif

" Soft, context-dependent words and built-ins are matches, not keywords, so
" `sum(` can win over `sum` (keywords would always take priority).
syn match scnSoft "\<\(priority\|cost\|share\|optimal\|budget\|rest\|sobol\|growth\|step\|linear\|stack\|quarterly\|monthly\|yearly\|year\|sum\|avg\|last\|pp\|base\)\>"
syn match scnFunction "\<\(sum\|avg\|peak\|trough\|cumsum\|lag\|delta\|yoy\|cagr\|min\|max\|abs\|clamp\|share\|total\|round\|floor\|ceil\|exp\|ln\|npv\|mean\|sd\|percentile\|prob\|rankcorr\|normal\|lognormal\|uniform\|triangular\|pert\|csv\)\ze\s*("
syn match scnProperty "\.\@1<=\(capacity\|price\|online\|retire\|commit\|build\|capex\|lifetime\|load\|spend\|utilization\|headroom\|served\|unmet\|idle\|built\|capex_spend\)\>"
syn match scnProperty "^\s*\zs\(capacity\|price\|online\|retire\|commit\|build\|capex\|lifetime\)\ze\s*=[^=]"

syn keyword scnKeyword timeline allocate by compare on show assert plot samples seed within in
syn keyword scnKeyword plan minimize discount subject so sensitivity correlate explain
syn keyword scnDeclare let demand provider scenario unit nextgroup=scnName skipwhite
syn keyword scnKeyword solve nextgroup=scnName skipwhite
syn keyword scnKeyword extends nextgroup=scnName skipwhite
syn keyword scnInclude import as
syn keyword scnConditional if then else when
syn keyword scnOperator and or not to
syn keyword scnConstant never
syn match scnName "\h\w*\(\.\h\w*\)*" contained

" Numbers: 5, 1_000, 1.2e9, 100k, 75%; a word right after a number is a unit.
syn match scnNumber "\<\d[0-9_]*\(\.\d[0-9_]*\)\=\([eE][+-]\=\d\+\)\=\([kMBT]\>\)\=%\=" nextgroup=scnUnit skipwhite
syn match scnUnit "\(\<\(timeline\|let\|demand\|provider\|allocate\|by\|scenario\|extends\|compare\|on\|show\|assert\|plot\|unit\|samples\|seed\|within\|when\|if\|then\|else\|and\|or\|not\|in\|to\|never\|plan\|minimize\|discount\|subject\|solve\|so\|sensitivity\|correlate\|explain\|import\|as\)\>\)\@!\h\w*\>\(\s*[(=]\)\@!" contained
syn match scnUnit "\<\([kMGT]W\|[kMGT]\=Wh\|[kMGTPE]\=FLOP\|USD\)\>"
syn match scnUnit "/\s*\zs\(W\|s\|min\|h\|day\|yr\|kg\|t\)\>\(\s*(\)\@!"
syn match scnMoney "\$\(\d[0-9_]*\(\.\d[0-9_]*\)\=\([eE][+-]\=\d\+\)\=\)\=\([kMBT]\>\)\="
" Periods: 2026-07, 2026Q3, and the years of a range like 2024..2030.
syn match scnPeriod "\<\d\{4}\(-\(0[1-9]\|1[0-2]\)\|Q[1-4]\)\>"
syn match scnPeriod "\<\d\{4}\ze\s*\(\.\.\|:\)"
syn match scnPeriod "\(\.\.\s*\|@\s*\)\@<=\d\{4}\(-\(0[1-9]\|1[0-2]\)\|Q[1-4]\)\=\>"

syn region scnString start=+"+ end=+"+ oneline
syn match scnComment "#.*$" contains=@Spell

hi def link scnKeyword     Keyword
hi def link scnDeclare     Keyword
hi def link scnInclude     Include
hi def link scnConditional Conditional
hi def link scnOperator    Operator
hi def link scnConstant    Constant
hi def link scnName        Identifier
hi def link scnSoft        Special
hi def link scnFunction    Function
hi def link scnProperty    Identifier
hi def link scnNumber      Number
hi def link scnMoney       Number
hi def link scnPeriod      Number
hi def link scnUnit        Type
hi def link scnString      String
hi def link scnComment     Comment

let b:current_syntax = 'scn'
