# sam build (BuildMethod: makefile) runs `make build-IngestionGuardFunction` with ARTIFACTS_DIR
# set. The bundle comes from esbuild.config.ts, the same build definition the tests and the
# benchmark use. `npm ci` installs the dev dependencies too: the build needs esbuild and tsx.
.PHONY: build-IngestionGuardFunction

build-IngestionGuardFunction:
	npm ci --no-audit --no-fund
	rm -rf dist
	npm run build
	cp dist/*.mjs "$(ARTIFACTS_DIR)/"
