package gguf

import "strings"

// DefaultAlignment is the data alignment of a GGUF file without a
// general.alignment key.
const DefaultAlignment = 32

// QuantizationVersion is the value of general.quantization_version that
// llama.cpp writes into files with quantized tensors.
const QuantizationVersion = 2

// ArchKey fills an architecture-scoped key format such as KeyContextLength
// ("%s.context_length") with the architecture name: ArchKey(KeyContextLength,
// "llama") is "llama.context_length". It also fills the %s of
// KeyTokenizerChatTemplateNamed.
func ArchKey(format, arch string) string { return strings.ReplaceAll(format, "%s", arch) }

// Metadata keys, as in gguf-py's constants.py (class Keys) of llama.cpp.

// General metadata (general.*). The base_model and dataset keys take a
// 0-based %d index (fmt.Sprintf(KeyGeneralBaseModelName, 0)); their count
// keys say how many there are.
const (
	KeyGeneralType                   = "general.type"
	KeyGeneralArchitecture           = "general.architecture"
	KeyGeneralQuantizationVersion    = "general.quantization_version"
	KeyGeneralAlignment              = "general.alignment"
	KeyGeneralFileType               = "general.file_type"
	KeyGeneralSamplingSequence       = "general.sampling.sequence"
	KeyGeneralSamplingTopK           = "general.sampling.top_k"
	KeyGeneralSamplingTopP           = "general.sampling.top_p"
	KeyGeneralSamplingMinP           = "general.sampling.min_p"
	KeyGeneralSamplingXTCProbability = "general.sampling.xtc_probability"
	KeyGeneralSamplingXTCThreshold   = "general.sampling.xtc_threshold"
	KeyGeneralSamplingTemp           = "general.sampling.temp"
	KeyGeneralSamplingPenaltyLastN   = "general.sampling.penalty_last_n"
	KeyGeneralSamplingPenaltyRepeat  = "general.sampling.penalty_repeat"
	KeyGeneralSamplingMirostat       = "general.sampling.mirostat"
	KeyGeneralSamplingMirostatTau    = "general.sampling.mirostat_tau"
	KeyGeneralSamplingMirostatEta    = "general.sampling.mirostat_eta"
	KeyGeneralName                   = "general.name"
	KeyGeneralAuthor                 = "general.author"
	KeyGeneralVersion                = "general.version"
	KeyGeneralOrganization           = "general.organization"
	KeyGeneralFinetune               = "general.finetune"
	KeyGeneralBasename               = "general.basename"
	KeyGeneralDescription            = "general.description"
	KeyGeneralQuantizedBy            = "general.quantized_by"
	KeyGeneralSizeLabel              = "general.size_label"
	KeyGeneralLicense                = "general.license"
	KeyGeneralLicenseName            = "general.license.name"
	KeyGeneralLicenseLink            = "general.license.link"
	KeyGeneralURL                    = "general.url"
	KeyGeneralDOI                    = "general.doi"
	KeyGeneralUUID                   = "general.uuid"
	KeyGeneralRepoURL                = "general.repo_url"
	KeyGeneralSourceURL              = "general.source.url"
	KeyGeneralSourceDOI              = "general.source.doi"
	KeyGeneralSourceUUID             = "general.source.uuid"
	KeyGeneralSourceRepoURL          = "general.source.repo_url"
	KeyGeneralBaseModelCount         = "general.base_model.count"
	KeyGeneralBaseModelName          = "general.base_model.%d.name"
	KeyGeneralBaseModelAuthor        = "general.base_model.%d.author"
	KeyGeneralBaseModelVersion       = "general.base_model.%d.version"
	KeyGeneralBaseModelOrganization  = "general.base_model.%d.organization"
	KeyGeneralBaseModelDescription   = "general.base_model.%d.description"
	KeyGeneralBaseModelURL           = "general.base_model.%d.url"
	KeyGeneralBaseModelDOI           = "general.base_model.%d.doi"
	KeyGeneralBaseModelUUID          = "general.base_model.%d.uuid"
	KeyGeneralBaseModelRepoURL       = "general.base_model.%d.repo_url"
	KeyGeneralDatasetCount           = "general.dataset.count"
	KeyGeneralDatasetName            = "general.dataset.%d.name"
	KeyGeneralDatasetAuthor          = "general.dataset.%d.author"
	KeyGeneralDatasetVersion         = "general.dataset.%d.version"
	KeyGeneralDatasetOrganization    = "general.dataset.%d.organization"
	KeyGeneralDatasetDescription     = "general.dataset.%d.description"
	KeyGeneralDatasetURL             = "general.dataset.%d.url"
	KeyGeneralDatasetDOI             = "general.dataset.%d.doi"
	KeyGeneralDatasetUUID            = "general.dataset.%d.uuid"
	KeyGeneralDatasetRepoURL         = "general.dataset.%d.repo_url"
	KeyGeneralTags                   = "general.tags"
	KeyGeneralLanguages              = "general.languages"
	KeyGeneralSourceHFRepo           = "general.source.huggingface.repository" // read by llama.cpp, not written by gguf-py
)

// Architecture hyperparameters. Each is a format string with %s for the
// architecture name: ArchKey(KeyContextLength, "llama").
const (
	KeyVocabSize                     = "%s.vocab_size"
	KeyContextLength                 = "%s.context_length"
	KeyEmbeddingLength               = "%s.embedding_length"
	KeyEmbeddingLengthOut            = "%s.embedding_length_out"
	KeyFeaturesLength                = "%s.features_length"
	KeyBlockCount                    = "%s.block_count"
	KeyLeadingDenseBlockCount        = "%s.leading_dense_block_count"
	KeyFeedForwardLength             = "%s.feed_forward_length"
	KeyExpertFeedForwardLength       = "%s.expert_feed_forward_length"
	KeyExpertSharedFeedForwardLength = "%s.expert_shared_feed_forward_length"
	KeyExpertChunkFeedForwardLength  = "%s.expert_chunk_feed_forward_length"
	KeyUseParallelResidual           = "%s.use_parallel_residual"
	KeyTensorDataLayout              = "%s.tensor_data_layout"
	KeyExpertCount                   = "%s.expert_count"
	KeyExpertUsedCount               = "%s.expert_used_count"
	KeyExpertSharedCount             = "%s.expert_shared_count"
	KeyExpertGroupCount              = "%s.expert_group_count"
	KeyExpertGroupUsedCount          = "%s.expert_group_used_count"
	KeyExpertWeightsScale            = "%s.expert_weights_scale"
	KeyExpertWeightsNorm             = "%s.expert_weights_norm"
	KeyExpertGatingFunc              = "%s.expert_gating_func"
	KeyExpertGroupScale              = "%s.expert_group_scale"
	KeyExpertLatentLength            = "%s.expert_latent_length"
	KeyExpertsPerGroup               = "%s.experts_per_group"
	KeyMoEEveryNLayers               = "%s.moe_every_n_layers"
	KeyMoELatentSize                 = "%s.moe_latent_size"
	KeyNextNPredictLayers            = "%s.nextn_predict_layers"
	KeyNumDeepstackLayers            = "%s.n_deepstack_layers"
	KeyDeepstackMapping              = "%s.deepstack_mapping"
	KeyPoolingType                   = "%s.pooling_type"
	KeyLogitScale                    = "%s.logit_scale"
	KeyDecoderStartTokenID           = "%s.decoder_start_token_id"
	KeyDecoderBlockCount             = "%s.decoder_block_count"
	KeyAttnLogitSoftcapping          = "%s.attn_logit_softcapping"
	KeyRouterLogitSoftcapping        = "%s.router_logit_softcapping"
	KeyFinalLogitSoftcapping         = "%s.final_logit_softcapping"
	KeySwinNorm                      = "%s.swin_norm"
	KeyRescaleEveryNLayers           = "%s.rescale_every_n_layers"
	KeyTimeMixExtraDim               = "%s.time_mix_extra_dim"
	KeyTimeDecayExtraDim             = "%s.time_decay_extra_dim"
	KeyResidualScale                 = "%s.residual_scale"
	KeyEmbeddingScale                = "%s.embedding_scale"
	KeyTokenShiftCount               = "%s.token_shift_count"
	KeyInterleaveMoELayerStep        = "%s.interleave_moe_layer_step"
	KeyFullAttentionInterval         = "%s.full_attention_interval"
	KeyNumLoops                      = "%s.num_loops"
	KeySkipLoopFinalNorm             = "%s.skip_loop_final_norm"
	KeyHashLayerCount                = "%s.hash_layer_count"
	KeyActivationSparsityScale       = "%s.activation_sparsity_scale"
	KeyAltUpActiveIdx                = "%s.altup.active_idx"
	KeyAltUpNumInputs                = "%s.altup.num_inputs"
	KeyEmbeddingLengthPerLayerInput  = "%s.embedding_length_per_layer_input"
	KeySwiGLUClampExp                = "%s.swiglu_clamp_exp"
	KeySwiGLUClampSharedExp          = "%s.swiglu_clamp_shexp"
	KeyHiddenActivation              = "%s.hidden_activation"
	KeyTargetLayers                  = "%s.target_layers"
	KeyTargetHiddenSize              = "%s.target_hidden_size"
	KeyBlockSize                     = "%s.block_size"
	KeySampleFromAnchor              = "%s.sample_from_anchor"
	KeyNormBeforeResidual            = "%s.norm_before_residual"
	KeyNormBeforeFC                  = "%s.norm_before_fc"
)

// Architecture-scoped adapter hyperparameters (%s: architecture).
const (
	KeyAdaptersCount              = "%s.adapters.count"
	KeyAdaptersTokenIDsActivate   = "%s.adapters.token_ids_activate"
	KeyAdaptersTokenIDsSubstitute = "%s.adapters.token_ids_substitute"
	KeyAdaptersLoRARank           = "%s.adapters.lora_rank"
	KeyAdaptersRouterGain         = "%s.adapters.router_gain"
)

// Attention hyperparameters (%s: architecture).
const (
	KeyAttentionHeadCount                = "%s.attention.head_count"
	KeyAttentionHeadCountKV              = "%s.attention.head_count_kv"
	KeyAttentionMaxAlibiBias             = "%s.attention.max_alibi_bias"
	KeyAttentionClampKQV                 = "%s.attention.clamp_kqv"
	KeyAttentionKeyLength                = "%s.attention.key_length"
	KeyAttentionValueLength              = "%s.attention.value_length"
	KeyAttentionLayerNormEpsilon         = "%s.attention.layer_norm_epsilon"
	KeyAttentionLayerNormRMSEpsilon      = "%s.attention.layer_norm_rms_epsilon"
	KeyAttentionGroupNormEpsilon         = "%s.attention.group_norm_epsilon"
	KeyAttentionGroupNormGroups          = "%s.attention.group_norm_groups"
	KeyAttentionCausal                   = "%s.attention.causal"
	KeyAttentionQLoRARank                = "%s.attention.q_lora_rank"
	KeyAttentionKVLoRARank               = "%s.attention.kv_lora_rank"
	KeyAttentionDecayLoRARank            = "%s.attention.decay_lora_rank"
	KeyAttentionICLRLoRARank             = "%s.attention.iclr_lora_rank"
	KeyAttentionValueResidualMixLoRARank = "%s.attention.value_residual_mix_lora_rank"
	KeyAttentionGateLoRARank             = "%s.attention.gate_lora_rank"
	KeyAttentionRelBucketsCount          = "%s.attention.relative_buckets_count"
	KeyAttentionSlidingWindow            = "%s.attention.sliding_window"
	KeyAttentionScale                    = "%s.attention.scale"
	KeyAttentionOutputGroupCount         = "%s.attention.output_group_count"
	KeyAttentionOutputLoRARank           = "%s.attention.output_lora_rank"
	KeyAttentionOutputScale              = "%s.attention.output_scale"
	KeyAttentionValueScale               = "%s.attention.value_scale"
	KeyAttentionCompressRatios           = "%s.attention.compress_ratios"
	KeyAttentionCompressRopeFreqBase     = "%s.attention.compress_rope_freq_base"
	KeyAttentionTemperatureLength        = "%s.attention.temperature_length"
	KeyAttentionKeyLengthMLA             = "%s.attention.key_length_mla"
	KeyAttentionValueLengthMLA           = "%s.attention.value_length_mla"
	KeyAttentionKeyLengthSWA             = "%s.attention.key_length_swa"
	KeyAttentionValueLengthSWA           = "%s.attention.value_length_swa"
	KeyAttentionSharedKVLayers           = "%s.attention.shared_kv_layers"
	KeyAttentionSlidingWindowPattern     = "%s.attention.sliding_window_pattern"
	KeyAttentionTemperatureScale         = "%s.attention.temperature_scale"
)

// Attention indexer hyperparameters (%s: architecture).
const (
	KeyAttentionIndexerHeadCount   = "%s.attention.indexer.head_count"
	KeyAttentionIndexerKeyLength   = "%s.attention.indexer.key_length"
	KeyAttentionIndexerTopK        = "%s.attention.indexer.top_k"
	KeyAttentionIndexerBlockSize   = "%s.attention.indexer.block_size"
	KeyAttentionIndexerLocalBlocks = "%s.attention.indexer.local_blocks"
	KeyAttentionIndexerTypes       = "%s.attention.indexer.types"
)

// Hyper-connection hyperparameters (%s: architecture).
const (
	KeyHyperConnectionCount              = "%s.hyper_connection.count"
	KeyHyperConnectionSinkhornIterations = "%s.hyper_connection.sinkhorn_iterations"
	KeyHyperConnectionEpsilon            = "%s.hyper_connection.epsilon"
)

// RoPE hyperparameters (%s: architecture).
const (
	KeyRopeDimensionCount        = "%s.rope.dimension_count"
	KeyRopeDimensionCountSWA     = "%s.rope.dimension_count_swa"
	KeyRopeDimensionSections     = "%s.rope.dimension_sections"
	KeyRopeFreqBase              = "%s.rope.freq_base"
	KeyRopeFreqBaseSWA           = "%s.rope.freq_base_swa"
	KeyRopeScalingType           = "%s.rope.scaling.type"
	KeyRopeScalingFactor         = "%s.rope.scaling.factor"
	KeyRopeScalingAlpha          = "%s.rope.scaling.alpha"
	KeyRopeScalingAttnFactor     = "%s.rope.scaling.attn_factor"
	KeyRopeScalingOrigCtxLen     = "%s.rope.scaling.original_context_length"
	KeyRopeScalingFinetuned      = "%s.rope.scaling.finetuned"
	KeyRopeScalingYarnLogMul     = "%s.rope.scaling.yarn_log_multiplier"
	KeyRopeScalingYarnExtFactor  = "%s.rope.scaling.yarn_ext_factor"
	KeyRopeScalingYarnAttnFactor = "%s.rope.scaling.yarn_attn_factor"
	KeyRopeScalingYarnBetaFast   = "%s.rope.scaling.yarn_beta_fast"
	KeyRopeScalingYarnBetaSlow   = "%s.rope.scaling.yarn_beta_slow"
)

// Activation hyperparameters (%s: architecture).
const (
	KeyActivationSiTUBeta       = "%s.activation.situ_beta"
	KeyActivationSiTULinearBeta = "%s.activation.situ_linear_beta"
)

// Attention-residual hyperparameters (%s: architecture).
const (
	KeyAttnResBlockSize = "%s.attn_res.block_size"
)

// Keys of split (sharded) GGUF files.
const (
	KeySplitNo           = "split.no"
	KeySplitCount        = "split.count"
	KeySplitTensorsCount = "split.tensors.count"
)

// State-space model hyperparameters (%s: architecture).
const (
	KeySSMConvKernel   = "%s.ssm.conv_kernel"
	KeySSMInnerSize    = "%s.ssm.inner_size"
	KeySSMStateSize    = "%s.ssm.state_size"
	KeySSMTimeStepRank = "%s.ssm.time_step_rank"
	KeySSMGroupCount   = "%s.ssm.group_count"
	KeySSMDTBCRMS      = "%s.ssm.dt_b_c_rms"
)

// KDA hyperparameters (%s: architecture).
const (
	KeyKDAHeadDim        = "%s.kda.head_dim"
	KeyKDASafeGate       = "%s.kda.safe_gate"
	KeyKDAGateLowerBound = "%s.kda.gate_lower_bound"
)

// RWKV hyperparameters (%s: architecture).
const (
	KeyWKVHeadSize = "%s.wkv.head_size"
)

// PosNet hyperparameters (%s: architecture).
const (
	KeyPosNetEmbeddingLength = "%s.posnet.embedding_length"
	KeyPosNetBlockCount      = "%s.posnet.block_count"
)

// ConvNext hyperparameters (%s: architecture).
const (
	KeyConvNextEmbeddingLength = "%s.convnext.embedding_length"
	KeyConvNextBlockCount      = "%s.convnext.block_count"
)

// Classifier hyperparameters (%s: architecture).
const (
	KeyClassifierOutputLabels = "%s.classifier.output_labels"
)

// Short-convolution hyperparameters (%s: architecture).
const (
	KeyShortConvLCache = "%s.shortconv.l_cache"
)

// Tokenizer metadata. KeyTokenizerChatTemplateNamed takes a %s template name.
const (
	KeyTokenizerModel                  = "tokenizer.ggml.model"
	KeyTokenizerPre                    = "tokenizer.ggml.pre"
	KeyTokenizerTokens                 = "tokenizer.ggml.tokens"
	KeyTokenizerTokenType              = "tokenizer.ggml.token_type"
	KeyTokenizerTokenTypeCount         = "tokenizer.ggml.token_type_count"
	KeyTokenizerScores                 = "tokenizer.ggml.scores"
	KeyTokenizerMerges                 = "tokenizer.ggml.merges"
	KeyTokenizerBOSID                  = "tokenizer.ggml.bos_token_id"
	KeyTokenizerEOSID                  = "tokenizer.ggml.eos_token_id"
	KeyTokenizerEOTID                  = "tokenizer.ggml.eot_token_id"
	KeyTokenizerEOMID                  = "tokenizer.ggml.eom_token_id"
	KeyTokenizerUNKID                  = "tokenizer.ggml.unknown_token_id"
	KeyTokenizerSEPID                  = "tokenizer.ggml.seperator_token_id"
	KeyTokenizerPADID                  = "tokenizer.ggml.padding_token_id"
	KeyTokenizerMaskID                 = "tokenizer.ggml.mask_token_id"
	KeyTokenizerAddBOS                 = "tokenizer.ggml.add_bos_token"
	KeyTokenizerAddEOS                 = "tokenizer.ggml.add_eos_token"
	KeyTokenizerAddSEP                 = "tokenizer.ggml.add_sep_token"
	KeyTokenizerAddSpacePrefix         = "tokenizer.ggml.add_space_prefix"
	KeyTokenizerRemoveExtraWhitespaces = "tokenizer.ggml.remove_extra_whitespaces"
	KeyTokenizerPrecompiledCharsmap    = "tokenizer.ggml.precompiled_charsmap"
	KeyTokenizerSuppressTokens         = "tokenizer.ggml.suppress_tokens"
	KeyTokenizerHFJSON                 = "tokenizer.huggingface.json"
	KeyTokenizerRWKV                   = "tokenizer.rwkv.world"
	KeyTokenizerChatTemplate           = "tokenizer.chat_template"
	KeyTokenizerChatTemplateNamed      = "tokenizer.chat_template.%s"
	KeyTokenizerChatTemplates          = "tokenizer.chat_templates"
	KeyTokenizerNormalizerLowercase    = "tokenizer.ggml.normalizer.lowercase"
	KeyTokenizerNormalizerStripAccents = "tokenizer.ggml.normalizer.strip_accents"
	KeyTokenizerFIMPreID               = "tokenizer.ggml.fim_pre_token_id"
	KeyTokenizerFIMSufID               = "tokenizer.ggml.fim_suf_token_id"
	KeyTokenizerFIMMidID               = "tokenizer.ggml.fim_mid_token_id"
	KeyTokenizerFIMPadID               = "tokenizer.ggml.fim_pad_token_id"
	KeyTokenizerFIMRepID               = "tokenizer.ggml.fim_rep_token_id"
	KeyTokenizerFIMSepID               = "tokenizer.ggml.fim_sep_token_id"
	KeyTokenizerPrefixID               = "tokenizer.ggml.prefix_token_id"
	KeyTokenizerSuffixID               = "tokenizer.ggml.suffix_token_id"
	KeyTokenizerMiddleID               = "tokenizer.ggml.middle_token_id"
	KeyTokenizerCLSID                  = "tokenizer.ggml.cls_token_id" // read by llama.cpp, not written by gguf-py
)

// Keys of LoRA adapter files.
const (
	KeyAdapterType                  = "adapter.type"
	KeyAdapterLoRAAlpha             = "adapter.lora.alpha"
	KeyAdapterLoRATaskName          = "adapter.lora.task_name"
	KeyAdapterLoRAPromptPrefix      = "adapter.lora.prompt_prefix"
	KeyAdapterALoRAInvocationTokens = "adapter.alora.invocation_tokens"
)
