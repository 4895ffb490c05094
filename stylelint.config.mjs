// `make lint` checks static/app.css: logical properties only, so a right-to-left page
// mirrors by itself. stylelint's own disallow-lists rather than the stylelint-use-logical
// plugin: one package fewer to keep in step with stylelint's releases. stylelint 17 is the
// newest that runs on Debian's Node 20 (18 needs Node 22).
const SIDES = "(left|right|top|bottom)";
// One value of a shorthand: a word, or a function such as clamp(…) with spaces inside.
const VALUE = String.raw`(?:[^\s(]*\([^)]*\)|[^\s(]+)`;

export default {
  rules: {
    "property-disallowed-list": [
      [
        `/^${SIDES}$/`,
        `/^(margin|padding|scroll-margin|scroll-padding)-${SIDES}$/`,
        `/^border-${SIDES}(-(width|style|color))?$/`,
        "/^border-(top|bottom)-(left|right)-radius$/",
        "/^(min-|max-)?(width|height)$/",
      ],
      { message: (property) => `Use the logical property for "${property}" (inline/block, start/end)` },
    ],
    "declaration-property-value-disallowed-list": [
      {
        "/^(text-align|float|clear)$/": ["left", "right"],
        // Four values give left and right their own: `margin: 0 1rem 0 2rem` does not mirror.
        "/^(margin|padding|inset|border-width|border-style|border-color)$/": [
          `/^${VALUE} ${VALUE} ${VALUE} ${VALUE}$/`,
        ],
      },
      { message: (property, value) => `"${property}: ${value}" names left and right; use the logical longhands` },
    ],
  },
};
