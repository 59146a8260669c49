package main

import (
	"fmt"
	"path"
	"strings"

	"github.com/hfctl/hfctl/hub"
	"github.com/spf13/cobra"
)

func newUploadCmd() *cobra.Command {
	var (
		hf                           hubFlags
		create, private              bool
		message, description         string
		revision, pathInRepo, parent string
		deletes                      []string
		quiet, asJSON                bool
	)
	cmd := &cobra.Command{
		Use:   "upload REPO PATHS...",
		Short: "Upload files or folders to a Hugging Face Hub repository in one commit",
		Long: `Upload local files and folders to a Hub repository in one commit, with the
protocol huggingface_hub uses: large and binary files go through LFS (in
parallel parts for big ones), the rest inline in the commit.

A file is uploaded under its base name, a folder's content under its own
paths (without .git and .cache/huggingface); --path-in-repo puts everything
under a folder of the repository. LFS objects the Hub already has are not
sent again, so an interrupted upload resumes where it stopped when run again.

Needs a token with write access: --token, $HF_TOKEN or $HF_HOME/token.`,
		Example: `  hfctl upload me/tiny-gguf ./tiny-Q4_K_M.gguf --create
  hfctl upload me/my-model ./my-model-folder --message "Add weights"
  hfctl upload me/my-model README.md config.json --path-in-repo docs
  hfctl upload me/private-model ./out --create --private`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, err := hf.repo(args[0])
			if err != nil {
				return err
			}
			if len(args) < 2 && len(deletes) == 0 {
				return fmt.Errorf("nothing to upload: give files or folders after %s", args[0])
			}
			files, err := hub.CollectUploadFiles(args[1:]...)
			if err != nil {
				return err
			}
			if prefix := strings.Trim(pathInRepo, "/"); prefix != "" {
				for i := range files {
					files[i].Path = path.Join(prefix, files[i].Path)
				}
			}
			bars := newMultiBar(cmd.ErrOrStderr(), quiet || asJSON)
			info, err := hf.client().Upload(cmd.Context(), repo, files, hub.UploadOptions{
				Revision: revision, Message: message, Description: description, ParentCommit: parent,
				Delete: deletes, Create: create, Private: private, Progress: bars.update,
			})
			bars.finish()
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), info)
			}
			if !quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "committed %d files (%d LFS uploaded, %d LFS already on the Hub, %d inline)\n",
					len(info.Uploaded)+len(info.Skipped)+len(info.Regular), len(info.Uploaded), len(info.Skipped), len(info.Regular))
			}
			fmt.Fprintln(cmd.OutOrStdout(), info.URL)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&create, "create", false, "create the repository if it does not exist")
	f.BoolVar(&private, "private", false, "with --create: make the new repository private")
	f.StringVarP(&message, "message", "m", "", "commit title (default: \"Upload N files with hfctl\")")
	f.StringVar(&description, "description", "", "commit description")
	f.StringVar(&revision, "revision", "", "branch to commit to (default main)")
	f.StringVar(&pathInRepo, "path-in-repo", "", "folder of the repository to upload into")
	f.StringVar(&parent, "parent-commit", "", "fail if the branch is no longer at this commit")
	f.StringArrayVar(&deletes, "delete", nil, "also delete this file (or folder, with a trailing /) in the same commit; repeatable")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress bars")
	f.BoolVar(&asJSON, "json", false, "print the commit as JSON")
	hf.register(cmd)
	return cmd
}
