/* rahil: version of the program. */
#ifndef RAHIL_VERSION_H
#define RAHIL_VERSION_H

#define RAHIL_VERSION "0.1.0"

#endif
