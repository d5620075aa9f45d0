# IPython kernel settings for every kernel that `make test` (nbval) and `make execute` start.
#
# TensorFlow 2.21 writes a few C++ log lines (oneDNN, CUDA, CPU features) straight to the
# process's file descriptor 2 when it loads, before absl logging is initialised, so no log-level
# setting silences them (abseil/abseil-cpp#1718). By default ipykernel copies everything written
# to that descriptor into the running cell's output, with a timestamp and a process id. Here,
# output written by C/C++ libraries goes to the kernel's own terminal instead; everything Python
# prints, and every Python warning, still reaches the notebook.
c.IPKernelApp.capture_fd_output = False
