/* gxg_tmpl — the template compiler's tree: what the parser builds from a
 * template's segments (gxg_tmpl_lex), what the checker annotates against the
 * schema, and what the emitter turns into C. Build-time only (part of gxgen).
 *
 * The phases, one file each:
 *   gxg_tmpl_lex.c    text and tag segments; tokens of a tag
 *   gxg_tmpl_parse.c  front matter; includes; every segment becomes a node
 *                     (a tag's expression parsed to an expression tree); lines
 *                     of control tags are stripped; if/elif/else/end and
 *                     for/end are matched and nested into the tree
 *   gxg_tmpl_check.c  front matter values; placement of yaml/block tags; text
 *                     glued to value tags (YAML); names and types of every
 *                     expression against the schema; loop variables
 *   gxg_emit_templates.c  one C render function per checked template
 * gxg_templates.c runs them for every template of a folder and checks what
 * concerns several templates (one source per output, distinct apply orders).
 *
 * Errors are printed as FILE:LINE:COL: error: MESSAGE (1-based; columns count
 * code points) through gxg_tmpl_error, at most GXG_MAX_ERRORS_PER_TEMPLATE per
 * template. Memory is malloc'd and kept until gxgen exits. */
#ifndef GXG_TMPL_H
#define GXG_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_types.h"
#include "gxg_schema.h"
#include "gxg_tmpl_lex.h"

#define GXG_MAX_ERRORS_PER_TEMPLATE 30

/* ---- expressions ------------------------------------------------------------- */

/* The type of an expression (set by the check). */
typedef enum gxg_ty {
    GXG_TY_STRING,
    GXG_TY_INT,
    GXG_TY_BOOL,
    GXG_TY_ENUM,
    GXG_TY_MAP,
    GXG_TY_LIST,
    GXG_TY_YAML,
    GXG_TY_ERROR /* already reported: no further messages */
} gxg_ty;

typedef enum gxg_expr_kind {
    GXG_X_STRING,    /* "text": text is the decoded value, raw the literal as written */
    GXG_X_INT,       /* 42: value */
    GXG_X_NAME,      /* a schema path, derived/NAME, or a loop variable: text */
    GXG_X_COMPONENT, /* component NAME: text is NAME, at name_line:name_col */
    GXG_X_PAREN,     /* ( kids[0] ) */
    GXG_X_CAT,       /* kids[0] ~ kids[1] ~ ... */
    GXG_X_EQ,        /* kids[0] == kids[1] */
    GXG_X_NE,        /* kids[0] != kids[1] */
    GXG_X_NOT,       /* not kids[0] */
    GXG_X_AND,       /* kids[0] and kids[1] and ... */
    GXG_X_OR         /* kids[0] or kids[1] or ... */
} gxg_expr_kind;

/* How a comparison compiles (set by the check). */
typedef enum gxg_cmp_mode {
    GXG_CMP_ENUM_CHOICE, /* an enum with a literal choice: index comparison */
    GXG_CMP_ENUM_ENUM,   /* two values of the same enum field */
    GXG_CMP_TEXT,        /* strings (or enums as their choice text) */
    GXG_CMP_VALUE        /* ints, or bools */
} gxg_cmp_mode;

typedef struct gxg_expr {
    gxg_expr_kind kind;
    int line, col;          /* where it starts, for messages */
    char *text;
    char *raw;
    int64_t value;
    int name_line, name_col;
    struct gxg_expr **kids;
    size_t nkids;
    /* set by the check */
    gxg_ty ty;
    char *what;                 /* for messages: "'core/namespace'", "this comparison" */
    const char *lit;            /* a string literal's value (also through parentheses) */
    const gxg_field *field;     /* a field read by NAME; an enum's field (also through
                                 * parentheses) */
    const gxg_derived *derived; /* a derived value read by NAME */
    const char *var_c;          /* a loop variable's C name */
    int component;              /* COMPONENT: its index */
    gxg_cmp_mode cmp;           /* EQ, NE */
    size_t enum_side;           /* GXG_CMP_ENUM_CHOICE: which kid is the enum */
    size_t choice;              /* GXG_CMP_ENUM_CHOICE: the choice's index */
} gxg_expr;

/* ---- nodes --------------------------------------------------------------------- */

typedef enum gxg_node_kind {
    GXG_N_TEXT,
    GXG_N_COMMENT,
    GXG_N_VALUE, /* {{ EXPR }} */
    GXG_N_YAML,  /* {{ yaml EXPR }} */
    GXG_N_BLOCK, /* {{ block EXPR }} */
    GXG_N_IF,
    GXG_N_ELIF,
    GXG_N_ELSE,
    GXG_N_END,
    GXG_N_FOR,
    GXG_N_BAD /* a tag that could not be classified (reported) */
} gxg_node_kind;

struct gxg_node;

/* A sequence of nodes: the template, a branch or a loop body. */
typedef struct gxg_block {
    struct gxg_node **items;
    size_t count, cap;
} gxg_block;

typedef struct gxg_node {
    gxg_node_kind kind;
    gxg_seg seg;            /* its text and position */
    /* TEXT: the layout. A dropped text (a line of control tags only) emits
     * nothing; else the bytes [head, head + keep) are emitted. */
    bool dropped;
    size_t head, keep;
    /* tags */
    gxg_expr *expr;         /* VALUE, YAML, BLOCK, IF, ELIF: the expression; FOR: the
                             * list or map; NULL after a syntax error (reported) */
    gxg_tok vars[2];        /* FOR: the loop variables as written */
    size_t nvars;
    /* the flat structure, in document order (indices into the template's nodes) */
    long opener;            /* ELIF, ELSE, END: the IF or FOR of the group; -1 unknown */
    long closer;            /* IF, ELIF, ELSE, FOR: the group's END; -1 unknown */
    /* the tree */
    gxg_block body;               /* IF, ELIF, ELSE: the branch; FOR: the loop body */
    struct gxg_node *next_branch; /* IF, ELIF: the following ELIF or ELSE */
    /* YAML, BLOCK (check): the column of the key or of the tag, and whether
     * the value follows "key:" */
    int indent;
    bool after_key;
    /* FOR (check): the C names of the loop variables */
    char *var_c[2];
} gxg_node;

/* ---- front matter ------------------------------------------------------------------ */

typedef enum gxg_front_key {
    GXG_FM_KIND,
    GXG_FM_MODE,
    GXG_FM_SECRETS,
    GXG_FM_STREAM,
    GXG_FM_ORDER,
    GXG_FM_OMIT_WITHOUT_SECRETS,
    GXG_FM_SEALABLE,
    GXG_FM_COUNT
} gxg_front_key;

/* The front-matter key names, indexed by gxg_front_key. */
extern const char *const gxg_front_keys[GXG_FM_COUNT];

typedef struct gxg_front {
    bool present;
    int line;                       /* the opening "---" */
    struct {
        bool set;                   /* given (when bad, its value is not usable) */
        bool bad;                   /* given with a bad value (reported) */
        int line, col;              /* the value */
    } at[GXG_FM_COUNT];
    gx_file_kind kind;
    unsigned mode;
    gx_file_secrecy secrecy;
    bool stream;
    int order;                      /* 0 when absent (scripts) */
    bool omit_without_secrets;
    bool sealable;                  /* holds no secret when derived/sealed */
} gxg_front;

/* ---- a template ----------------------------------------------------------------------- */

typedef struct gxg_tmpl {
    const gxg_schema *schema;
    char *file;     /* as given to messages: "templates/generated/gateway.yaml.tmpl" */
    char *rel;      /* below the templates folder: "generated/gateway.yaml.tmpl" */
    char *output;   /* below the workspace: "generated/gateway.yaml" */
    bool yaml;      /* YAML context (*.yaml.tmpl), else shell (*.sh.tmpl) */
    char *src;      /* the template's bytes */
    size_t len;
    gxg_seg *segs;  /* the lexer's segments; after parsing, the body's */
    size_t nseg;
    gxg_front front;
    gxg_node *nodes; /* one per body segment, in document order */
    size_t nnodes;
    gxg_block root;  /* the tree */
    int errors;
} gxg_tmpl;

/* Reports an error at line:col of the template (line 0: the whole file). */
void gxg_tmpl_error(gxg_tmpl *t, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same as a gxg_tmpl_errorf callback (ctx is the gxg_tmpl). */
void gxg_tmpl_error_cb(void *ctx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reads t->file and splits it (gxg_tmpl_lex), then parses the front matter,
 * expands includes and builds the nodes and the tree. Sets t->yaml from the
 * name. Returns false when the template could not be parsed far enough to be
 * checked (an unknown kind, an unreadable file, a lexical error); other errors
 * are counted in t->errors. */
bool gxg_tmpl_parse(gxg_tmpl *t);

/* Checks a parsed template against the schema: front matter, placement,
 * glue, names, types and loop variables. Errors are counted in t->errors. */
void gxg_tmpl_check(gxg_tmpl *t);

#endif
