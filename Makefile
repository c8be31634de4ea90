# dengji — the two commands a newcomer needs: `make run` and `make test`.
# Both install what is missing: Debian/Ubuntu system packages (apt), the virtual
# environment and the Python packages. Nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# System packages: pyscard's build (swig, pcsclite headers), the PC/SC daemon and the
# virtual reader driver the tests use, CUPS with a PDF queue, CJK TrueType fonts
# (Song/Ming face for body text, Hei face for titles), poppler for PDF checks,
# a PostgreSQL server for the central database tests, and the libraries Qt needs.
SYS_PKGS := python3-venv python3-dev gcc make swig libpcsclite-dev pcscd pcsc-tools \
	vsmartcard-vpcd cups cups-bsd printer-driver-cups-pdf fonts-arphic-uming \
	fonts-wqy-zenhei fonts-wqy-microhei poppler-utils postgresql libegl1 libgl1 libxkbcommon0 \
	libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
	libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libnss3 libasound2

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all setup system-packages run test bench lint typecheck clean dist

all: test

system-packages:
	@missing=""; for p in $(SYS_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "请手动安装系统软件包:$$missing"; exit 1; fi; \
	  echo "安装系统软件包:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	$(MAKE) system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "需要 Python 3.11 或更新版本"; exit 1; }
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/dengji demo --persons 3000 --if-empty --quiet
	$(VENV)/bin/dengji

# A rare crash (SIGSEGV) inside Qt while pytest-qt processes events between two tests is
# under investigation (see the closing note of session 1); a run killed by a signal is
# repeated once so it cannot hide a failing test, only that crash: failures still fail.
test: $(STAMP)
	$(MAKE) -s system-packages
	QT_QPA_PLATFORM=offscreen $(PY) -X faulthandler -m pytest -q || { rc=$$?; \
	  if [ $$rc -ge 128 ]; then \
	    echo "pytest 被信号 $$((rc - 128)) 终止（Qt 崩溃），重跑一次"; \
	    QT_QPA_PLATFORM=offscreen $(PY) -X faulthandler -m pytest -q; \
	  else exit $$rc; fi; }

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy desktop/domain devices printing

# make dist: the PyInstaller one-folder bundle (dist/dengji) and the Debian package
# (dist/dengji_<version>_<arch>.deb, installing under /opt/dengji); installer/README.md tells
# how to build the Windows installer. xz, because older dpkg (UOS, Kylin) cannot read zstd.
DIST_STAMP      := $(VENV)/.installed-dist
DEB_COMPRESSION ?= xz

$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[dev,dist]'
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
	  --workpath build/pyinstaller installer/dengji.spec
	$(PY) -m installer.build_deb --bundle dist/dengji --out dist --compression $(DEB_COMPRESSION)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
