#include "kernel.h"

int quiet;

/*U:070 The command line is one string of at most two kilobytes, and
 * we want to cut it into words as a shell would, because the words after
 * "--" become a program's argv, and a program like awk takes a whole script
 * as one argument: awk 'BEGIN{printf "%g\n", 1/3}' is two words, not four.
 * The Launcher joins its arguments with spaces and quotes every one that
 * needs it the way a shell would read it back ('...' with a quote inside
 * written '\''), so the rules here are a small subset of sh's:
 *
 *   - blanks (space, tab, newline) separate words;
 *   - '...' is literal, blanks and backslashes and all;
 *   - "..." is literal too, except that \" and \\ stand for " and \;
 *   - outside quotes, a backslash makes the next character ordinary.
 *
 * The words are written into the same buffer, over the string itself: a
 * word is never longer than its quoted form, so the writer never overtakes
 * the reader.  An unterminated quote simply runs to the end; the Launcher
 * never makes one, and a person who types one gets what they typed. */
static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int split_words(char *s, char **words, int max)
{
	char *in = s, *out = s;
	int n = 0;

	for (;;) {
		while (blank(*in))
			in++;
		if (!*in || n == max)
			return n;
		words[n++] = out;
		while (*in && !blank(*in)) {
			if (*in == '\'') {
				for (in++; *in && *in != '\''; )
					*out++ = *in++;
				if (*in)
					in++;
			} else if (*in == '"') {
				for (in++; *in && *in != '"'; ) {
					if (*in == '\\' && (in[1] == '"' || in[1] == '\\'))
						in++;
					*out++ = *in++;
				}
				if (*in)
					in++;
			} else {
				if (*in == '\\' && in[1])
					in++;
				*out++ = *in++;
			}
		}
		/* The terminating NUL may land on the blank that ended the word,
		 * or on the NUL that ended the string: both are already read. */
		if (*in)
			in++;
		*out++ = '\0';
	}
}
/*:*/

/*U:075 Who gets which word.  As in Linux, everything before "--" is the
 * kernel's and everything after it the first program's, so a program's
 * options can never be mistaken for the kernel's.  The kernel understands
 * three words.  "quiet" silences every message of its own on the
 * console, so that what appears there is exactly what the program wrote
 * (panics still speak: a kernel that dies silently is no kind of quiet).
 * "root=" names the disk to boot from and "init=" the program to start on
 * it (U:760).  Without "--", the program is called "/init", the name Linux
 * gives the program it runs from an initramfs; init_args keeps what came
 * after "--" (possibly nothing) for a kernel that boots from a disk, which
 * puts the name of init in front of it. */
static char cmdline_words[COMMAND_LINE_SIZE];
static char *words[MAX_ARGS + 1];
static char *default_argv[] = { "/init", NULL };
const char *root_device, *init_path;
char **init_args = &words[MAX_ARGS];

static const char *kernel_word(const char *word, const char *name)
{
	unsigned long n = strlen(name);

	return !memcmp(word, name, n) ? word + n : NULL;
}

char **parse_command_line(const char *line)
{
	int i, n;

	for (i = 0; i < COMMAND_LINE_SIZE - 1 && line[i]; i++)
		cmdline_words[i] = line[i];
	cmdline_words[i] = '\0';
	n = split_words(cmdline_words, words, MAX_ARGS);
	words[n] = NULL;
	init_args = &words[n];
	for (i = 0; i < n; i++) {
		/* A quoted '--' is a word like any other, but it can only be
		 * told from a bare one before splitting; nobody needs that. */
		if (words[i][0] == '-' && words[i][1] == '-' && !words[i][2]) {
			init_args = &words[i + 1];
			return words[i + 1] ? &words[i + 1] : default_argv;
		}
		if (!memcmp(words[i], "quiet", 6))
			quiet = 1;
		else if (kernel_word(words[i], "root="))
			root_device = kernel_word(words[i], "root=");
		else if (kernel_word(words[i], "init="))
			init_path = kernel_word(words[i], "init=");
	}
	return default_argv;
}
/*:*/
