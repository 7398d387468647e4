// Kiln's version, recorded in the files it writes.
#pragma once

#define KILN_VERSION_STRING "0.1.0"
